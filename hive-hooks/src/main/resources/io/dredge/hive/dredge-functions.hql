-- Dredge's Hive functions, for every HiveServer2 session: point hive.server2.global.init.file.location at this file
-- (HiveServer2 runs it when a session opens), or run it yourself in a session. The jar must be on HiveServer2's
-- classpath (see README).
CREATE TEMPORARY FUNCTION dredge_small_file_status AS 'io.dredge.hive.udf.SmallFileStatusUdf';
CREATE TEMPORARY FUNCTION dredge_small_file_report AS 'io.dredge.hive.udf.SmallFileReportUdtf';
CREATE TEMPORARY FUNCTION dredge_operations AS 'io.dredge.hive.udf.OperationsUdtf';
