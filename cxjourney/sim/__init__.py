"""Simulation: synthetic customers through a journey, in SimPy.

experience.py and loyalty.py hold the model's arithmetic (pure functions); plan.py
compiles a journey into arrays; streams.py makes the random numbers; engine.py only
schedules; runner.py runs replications and scenarios; stats.py summarises them.
"""
