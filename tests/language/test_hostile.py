"""Bad input never gives a traceback: a diagnostic with a position, always. A file too large
to be a journey is refused before it is parsed, and blank lines do not grow the parser's memory."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxjourney import load
from tests.conftest import BASE_FOR_FUZZ, errors, load_text, run_cli


def diagnostics_of(data: bytes):
    loaded = load("-", data=data, name="x.journey")
    return loaded


def test_empty_file() -> None:
    found = errors("")
    assert found == [(1, 1, "the file holds no journey")]


def test_only_comments() -> None:
    found = errors("# nothing here\n   # at all\n")
    assert found == [(1, 1, "the file holds no journey")]


def test_binary_garbage() -> None:
    loaded = diagnostics_of(bytes(range(256)) * 4)
    assert not loaded.ok
    assert loaded.diagnostics[0].line >= 1


def test_invalid_utf8_is_located() -> None:
    loaded = diagnostics_of(b'journey "caf\xe9" {\n}\n')
    assert [(d.line, d.column) for d in loaded.diagnostics] == [(1, 13)]
    assert "not UTF-8" in loaded.diagnostics[0].message


def test_five_thousand_nested_braces() -> None:
    for text in ("{" * 5000, 'journey "x" {\n' * 5000, "{\n" * 5000 + "}\n" * 5000):
        loaded = load_text(text)
        assert not loaded.ok


def test_number_too_large_for_a_float() -> None:
    found = errors('journey "x" {\n  customers 9' + "9" * 400 + "\n}\n")
    assert (2, 13, "the number " + "9" * 401 + " is too large") in found


def test_huge_percentage() -> None:
    found = errors('journey "x" {\n  persona p {\n    share 1' + "0" * 400 + "%\n  }\n}\n")
    assert any(ln == 3 and "too large" in m for ln, _, m in found)


def test_missing_closing_brace_reported_on_last_line() -> None:
    found = errors('journey "x" {\n  persona p {\n    share 100%\n  }\n')
    assert (4, 4, 'journey "x" opened at line 1 is not closed') in found


def test_nul_bytes() -> None:
    loaded = diagnostics_of(b'journey "x" {\x00\n}\n')
    assert "NUL" in loaded.diagnostics[0].message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_any_bytes(data: bytes) -> None:
    loaded = diagnostics_of(data)
    for d in loaded.diagnostics:
        assert d.line >= 1 and d.column >= 1


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_mutation_of_a_valid_journey(data: st.DataObject) -> None:
    text = BASE_FOR_FUZZ
    position = data.draw(st.integers(0, len(text)))
    junk = data.draw(st.text(alphabet=st.sampled_from('{}()"\\#%.,-+=>\n \tabc19kM±é'), max_size=8))
    cut = data.draw(st.integers(0, 5))
    mutated = text[:position] + junk + text[position + cut :]
    loaded = load_text(mutated)
    lines = mutated.splitlines() or [""]
    for d in loaded.diagnostics:
        assert 1 <= d.line <= max(1, len(lines) + 1)
        assert d.column >= 1


# ---- size, memory and the error limit ----------------------------------------------------


def test_a_file_too_large_to_be_a_journey_is_refused_early(tmp_path: Path) -> None:
    big = tmp_path / "big.journey"
    big.write_bytes(b"\n" * (6 * 1024 * 1024))
    done = run_cli("check", str(big))
    assert done.returncode == 2 and b"too large to be a journey" in done.stdout


def test_parser_memory_does_not_grow_with_blank_lines() -> None:
    """The child's own peak, not this one's: VmHWM, the high-water mark of the memory the
    child's program has held since it started. (Linux carries a process's peak from
    before `exec` into ru_maxrss, so a child started by a test worker that has grown past
    the limit would report the worker's size.) Where /proc is missing, ru_maxrss."""
    import subprocess
    import sys

    script = (
        "import re, resource, sys\n"
        "from cxjourney import load\n"
        "load('-', data=b'\\n' * (4 * 1024 * 1024))\n"
        "load('-', data=b'journey \"' + b'x' * (4 * 1024 * 1024) + b'\" {\\n}\\n')\n"
        "try:\n"
        "    status = open('/proc/self/status').read()\n"
        "    print(re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1))\n"
        "except (OSError, AttributeError):\n"
        "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    peak_kb = int(done.stdout)
    assert peak_kb < 400 * 1024, f"{peak_kb / 1024:.0f} MB for 4 MB of blank lines"


def test_too_many_syntax_errors_is_reported_at_the_last_error_not_past_the_end() -> None:
    text = 'journey "T" {\n' + "  nonsense here\n" * 40 + "}\n" + "\n" * 10
    found = errors(text)
    stop = [line for line, _, message in found if message.startswith("too many syntax errors")]
    others = [line for line, _, message in found if not message.startswith("too many")]
    assert stop == [max(others)]  # at the last error reported, not past the file's end
