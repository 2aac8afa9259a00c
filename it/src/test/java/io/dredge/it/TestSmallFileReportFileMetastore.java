package io.dredge.it;

import java.nio.file.Path;

class TestSmallFileReportFileMetastore
        extends AbstractTestSmallFileReport
{
    @Override
    protected LakeMetastore createMetastore(Path directory)
    {
        return new LakeMetastore.FileMetastore(directory);
    }
}
