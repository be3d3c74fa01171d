"""The `.journey` language: text → model and model → text, and what makes a model valid.

One module a stage, as the pipeline runs:

    parse.py        text → Lark tree (grammars/journey.lark), every syntax error, recovery
    build.py        tree → model (cxjourney.model), values in canonical units
    facts.py        every attribute once: block, kind, unit, default, range, meaning
    units.py        time units, number suffixes, distributions
    diagnostics.py  problems as data: positions, carets, did-you-mean
    imports.py      `use`: safe paths, merging persona libraries
    checks.py       every validation rule → diagnostics
    scenarios.py    apply a scenario: model → model, checked
    load.py         the front of the pipeline: file → checked model and graph
    printer.py      model → canonical text, driven by the facts (comments given aside)
    fmt.py          text → canonical text, every comment kept
    spelling.py     values in the language's words, for the printer, fmt and diff
    doc_tables.py   the attribute tables of the docs, from the facts

The package imports only the model and what sits below it (`graph`, `queueing`); the
simulator, renderers, decisions, logs, interop and the language server import it.
Nothing is imported here, so that `cxjourney.model` and this package load in any order.
"""
