"""Other formats and git: JSON export and schema, Mermaid (mermaid/, and the folder of
imported journeys, folder.py), the semantic diff, `REV:PATH` versions and git's diff driver."""
