"""Staging files go to memory only when it has room."""
def test_staging_goes_to_memory_only_when_there_is_room():
    import os

    from analysis.store.staging import scratch_folder
    assert scratch_folder(10**18) is None                        # never more than the RAM disk holds
    if os.access("/dev/shm", os.W_OK):
        assert scratch_folder(1000) == "/dev/shm"


def test_staging_left_by_a_killed_import_is_removed_when_a_store_opens(tmp_path):
    import os
    import subprocess
    import sys
    import tempfile

    from analysis.store import Store
    from analysis.store.staging import PREFIX
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(finished.stdout)
    base = tempfile.gettempdir()
    left = os.path.join(base, f"{PREFIX}{dead}-abcd")
    mine = os.path.join(base, f"{PREFIX}{os.getpid()}-efgh")
    for folder in (left, mine):
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "staging.sqlite"), "wb") as handle:
            handle.write(b"x" * 1000)
    try:
        Store(f"sqlite:///{tmp_path / 's.sqlite'}")
        assert not os.path.exists(left) and os.path.exists(mine)     # a live process's staging is left alone
    finally:
        import shutil
        shutil.rmtree(mine, ignore_errors=True)
        shutil.rmtree(left, ignore_errors=True)
