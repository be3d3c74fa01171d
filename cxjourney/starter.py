"""The journey `cxjourney init` writes: small, valid, and commented to teach the language.

It uses every construct a first map needs (personas, stages, a queue, delighters,
disappointers, a recovery, a flow with a persona's own probability, scenarios, a
loyalty key), simulates in a few seconds, and is already in `fmt`'s layout, so the
first `cxjourney fmt` changes nothing. The tests hold it to all of that.

It stays a template rather than a model printed with comments (as Mermaid import and
`discover` are): the starter exists for its comments, some thirty lines that teach the
language next to what they explain, and as `printer.Notes` keyed by statement they
would sit far from it in Python and be far harder to edit than the text itself. What
the printer would guarantee is tested instead: the template without its comments is
exactly what the printer writes for the template's model (with every `expect` written),
and that text reads back as the same model.
"""

from __future__ import annotations

import shlex

DEFAULT_NAME = "starter"

_TEMPLATE = """\
# A starter journey: a neighbourhood bike-repair shop. Make it your own, then run
#   cxjourney check FILE      every problem, with its line and column
#   cxjourney simulate FILE   NPS, retention and revenue, with 95% intervals
#   cxjourney fmt FILE        one canonical layout; comments are kept
# One statement per line; `#` starts a comment; `{` ends a block's first line and
# `}` stands on a line of its own. Names are identifiers; labels are quoted text.
# Every statement: docs/language.md; what the numbers mean: docs/model.md (both in
# the cxjourney repository).

journey "Bike repair" {
  description "From booking a repair to riding home"
  horizon 26 weeks  # how long the customer relationship is simulated
  customers 500  # synthetic customers active at the start
  currency EUR  # used in reports

  # Personas: who the customers are. Their shares add up to 100%.
  persona commuter "Daily commuter" {
    share 70%
    visits every 8 weeks  # mean time between repeat journeys
    arrivals 5 per week  # new customers of this persona
    patience 10 min  # the longest wait in a queue before walking out
    spend 60  # revenue per completed journey
    price_sensitivity 30%  # the pull of cheaper competitors
    prefers app, store  # other channels cost some experience
  }

  persona weekend "Weekend rider" {
    share 30%
    visits every 16 weeks
    arrivals 2 per week
    patience 20 min
    spend 90
    expects +0.3  # demanding: every expectation is a little higher
  }

  # Stages in journey order, and the touchpoints of each, in order.
  stage book "Book" {
    touchpoint app_booking "Books a slot in the app" {
      channel app
      owner "Digital"  # the accountable team; reports roll up by owner
      expect 3.5  # what customers expect, on a 1..5 scale
      delivers 3.8 +- 0.4  # what it delivers: mean +- standard deviation
      disappointer noslot "No slot this week" chance 15% impact -1.5
    }

    touchpoint walk_in "Walks in to the counter" {
      channel store
      owner "Workshop"
      expect 3
      delivers 3.2 +- 0.5
      capacity 1  # one mechanic at the counter, so customers queue
      service exp(6 min)  # time to serve one customer, exponential with this mean
      max_wait 5 min  # longer waits disappoint
    }
  }

  stage repair "Repair" {
    touchpoint fix "Bike is repaired" {
      channel store
      owner "Workshop"
      expect 4
      delivers 4.1 +- 0.3
      moment_of_truth  # weighs double in memory; `moment_of_truth 3` sets the weight
      delighter wash "Bike comes back cleaned and oiled" chance 20% impact +1
      disappointer late "Not ready when promised" chance 10% impact -2
    }

    touchpoint call "Calls to ask about the bike" {
      channel phone
      owner "Workshop"
      expect 3
      delivers 3 +- 0.5
      recovers late chance 50%  # a good call repairs an earlier disappointer
    }
  }

  # Without a flow block, touchpoints follow each other in the order written. Here
  # each line is an edge; edges without a percentage share what is left.
  flow {
    start -> app_booking 60%
    start -> walk_in
    start -> app_booking 80% for commuter  # this persona's own probability
    app_booking -> fix
    walk_in -> fix
    fix -> call 20%
    fix -> end  # `end`: the journey is completed
    call -> end 90%
    call -> exit  # `exit`: the customer gives up without completing
  }

  # Scenarios are investments: a cost, and changes to the journey above.
  scenario on_time "Fix first: repairs ready when promised" {
    cost 5k
    fix.late.chance = 3%
  }

  # Simulate before you spend: is the counter queue long enough for this to pay?
  scenario mechanic "A second mechanic at the counter" {
    cost 20k
    walk_in.capacity = 2
  }

  scenario delight "Fix what works: every bike washed, a photo of the fix" {
    cost 8k
    fix.wash.chance = 90%
    fix.delivers += 0.2
    add delighter call.photo "Texted a photo of the fix" chance 50% impact +0.5
  }

  scenario app_first "Steer bookings to the app" {
    cost 10k
    flow start -> app_booking = 80%
    app_booking.noslot.chance = 5%
  }

  # Loyalty-model parameters are optional; docs/language.md lists each key and its default.
  loyalty {
    memory peak_end  # how a journey is remembered: blend, peak_end or mean
  }
}
"""


def starter_journey(path: str | None = f"{DEFAULT_NAME}.journey") -> str:
    """The starter's text; `path` appears in the commands its comments suggest.

    It is the path the file is written to, as the user would type it where they ran
    `init`, so the commands work as shown. None (the text is not written to a file of
    its own), or a path no comment can hold, gives commands that say FILE.
    """
    if path is None or not path.isprintable():
        return _TEMPLATE
    return _TEMPLATE.replace("FILE", shlex.quote(path))
