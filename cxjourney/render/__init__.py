"""Results and maps for people: text tables, Graphviz maps, overlays, reports.

Render reads results and decision documents as data and writes every word and number
a person sees; it imports nothing from `cxjourney.decide`.
"""
