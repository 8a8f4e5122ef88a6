"""The extraction workers' forkserver (newsingest.worker_server): workers are forks of a warm process and
do not run the parent's main module again (the CLI's, or a flow script's, with all it imports)."""

import subprocess
import sys
import textwrap

MAIN = textwrap.dedent('''
    import os
    from pathlib import Path

    if __name__ == "__mp_main__":  # what multiprocessing names the parent's main module run again in a child
        Path(os.environ["MAIN_RAN_IN_CHILD"]).write_text(str(os.getpid()))

    if __name__ == "__main__":
        from newsingest.extract import ExtractSettings
        from newsingest.extract.workers import ExtractWorkers
        from newsingest.records import RawDocument

        text = "Harbour road gets cycle lanes\\n\\n" + "The council voted on Tuesday to approve new lanes. " * 20
        with ExtractWorkers(2, ExtractSettings()) as workers:
            outcomes = workers.extract([RawDocument(origin=f"{n}.txt", body=f"{n} {text}".encode(),
                                                    content_type="text/plain") for n in range(2)])
        print(" ".join(type(outcome).__name__ for outcome in outcomes))
''')


def test_workers_extract_without_running_the_parents_main_module_again(tmp_path):
    script, marker = tmp_path / "main.py", tmp_path / "main-ran-in-child"
    script.write_text(MAIN)
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=600,
                         env={"MAIN_RAN_IN_CHILD": str(marker), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["Article", "Article"]
    assert not marker.exists()
