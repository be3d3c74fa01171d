"""Results and maps for people: text tables, Graphviz maps, overlays, reports."""
