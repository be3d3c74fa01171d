"""The studio: a local web page to edit a journey, with its map, forecast and diff beside it.

`workspace` is the folder served (containment, atomic saves), `editing` the language
server's answers in process, `views` the map and the semantic diff, `forecasts` the
simulation in a worker thread (one run at a time per file, a newer edit cancels an older
one), `app` the Starlette application and its guards (token, body size, loopback).
Starlette and uvicorn are the optional extra `cxjourney[studio]`.
"""
