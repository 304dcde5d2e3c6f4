"""The tests' clock for moto's Wait states: a Wait of N seconds lasts N x WAIT_SCALE.

Nothing in a run depends on how long a wait really lasts (the Bedrock stand-in finishes a job
after a number of polls), so the tests fake the clock instead of sleeping through it.
"""

WAIT_SCALE = 0.005
