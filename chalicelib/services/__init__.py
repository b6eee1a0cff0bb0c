"""Use cases: plain functions over a Context and a Caller; they never see a Chalice request."""
