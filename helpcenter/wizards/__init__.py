"""The policy wizards: a pure decision engine plus its HTML and JSON front ends."""
