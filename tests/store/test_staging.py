"""Staging files go to memory only when it has room."""
def test_staging_goes_to_memory_only_when_there_is_room():
    import os

    from analysis.store.staging import scratch_folder
    assert scratch_folder(10**18) is None                        # never more than the RAM disk holds
    if os.access("/dev/shm", os.W_OK):
        assert scratch_folder(1000) == "/dev/shm"
