"""Other formats and git: JSON export and schema, Mermaid (mermaid/, and the folder of
imported journeys, folder.py), `REV:PATH` versions and git's diff driver (the semantic diff
itself is the language's: language/diff.py)."""
