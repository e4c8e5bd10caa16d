"""Scoring code for the labelled sets (not part of the package): parser fields, claim links and statuses."""
