"""Parse + build + validate throughput on a generated journey of thousands of touchpoints.

Run: .venv/bin/python benchmarks/bench_parse.py [TOUCHPOINTS]
Reports lines per second for the whole front of the pipeline (`cxjourney.language.load`), and
for Lark's own LALR parse of the same text (the ceiling to approach).
"""

from __future__ import annotations

import sys
import time

from cxjourney import load
from cxjourney.language.parse import parser


def generate(touchpoints: int) -> str:
    lines = [
        'journey "Generated" {',
        "  horizon 26 weeks",
        "  customers 2000",
        '  persona a "A" {',
        "    share 60%",
        "    visits every 7 days",
        "    patience 5 min",
        "    prefers app, web",
        "  }",
        "  persona b {",
        "    share 40%",
        "  }",
    ]
    per_stage = 10
    for s in range(0, touchpoints, per_stage):
        lines.append(f'  stage s{s} "Stage {s}" {{')
        for t in range(s, min(s + per_stage, touchpoints)):
            lines += [
                f'    touchpoint t{t} "Touchpoint {t}" {{',
                f"      channel {'app' if t % 2 else 'store'}",
                '      owner "Operations"',
                "      expect 3.5",
                "      delivers 3.6 +- 0.4",
                "      moment_of_truth" if t % 7 == 0 else "      max_wait 2 min",
                f'      delighter d{t} "Nice {t}" chance 10% impact +1',
                f'      disappointer x{t} "Bad {t}" chance 5% impact -2',
                "    }",
            ]
        lines.append("  }")
    lines.append("  flow {")
    for t in range(touchpoints - 1):
        lines.append(f"    t{t} -> t{t + 1} 90%")
        lines.append(f"    t{t} -> exit")
    lines.append(f"    t{touchpoints - 1} -> end")
    lines.append("  }")
    lines.append('  scenario fix "Fix" {')
    lines.append("    cost 40k")
    lines.append("    t0.x0.chance = 1%")
    lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> None:
    touchpoints = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    text = generate(touchpoints)
    data = text.encode()
    n_lines = text.count("\n")
    parser()  # build the parser once, as a long-running process would
    best_load = best_lark = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        loaded = load("-", data=data, name="generated.journey")
        best_load = min(best_load, time.perf_counter() - start)
        assert loaded.ok, loaded.diagnostics[:3]
        start = time.perf_counter()
        parser().parse(text)
        best_lark = min(best_lark, time.perf_counter() - start)
    print(f"{touchpoints} touchpoints, {n_lines} lines")
    print(f"cxjourney load (parse+build+validate+graph): {n_lines / best_load:,.0f} lines/s")
    print(f"Lark LALR parse alone:                      {n_lines / best_lark:,.0f} lines/s")


if __name__ == "__main__":
    main()
