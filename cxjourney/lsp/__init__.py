"""The language server: `.journey` files explained in place, in any editor.

`index` reads names and blocks straight from the text (so it works while a file is
half written), `features` answers each request from an index and the checked model,
and `server` wires both to the Language Server Protocol with pygls.
"""
