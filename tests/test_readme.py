import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _bash_blocks(text: str) -> list[str]:
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", text, re.S)]


def test_readme_quick_start_has_two_commands_and_ci_runs_the_test_one():
    blocks = _bash_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(blocks) == 2
    install_and_classify, install_and_test = blocks
    assert "stratag classify" in install_and_classify
    assert (ROOT / install_and_classify.split("stratag classify")[1].split()[0]).is_file()
    assert "pytest" in install_and_test
    assert install_and_test in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
