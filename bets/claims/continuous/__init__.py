"""Numeric, date and multiple-choice claims: their fields, forecasts and resolutions as
Metaculus has them, turned from what people type into what Crux stores. Pure (numpy, no ORM):
services, serializers and forms call it, and its tests are tables.

A continuous forecast is Metaculus' `continuous_cdf`: 201 values of the CDF at evenly spaced
points of the *unscaled* range [0, 1] (200 inbound buckets); cdf[0] is P(answer < range_min)
and cdf[200] is P(answer <= range_max). Dates are POSIX seconds throughout.

Rooms: scale (the range, Metaculus' scaling, numbers and dates as people write them), cdf
(validation, quantile tables and date ladders to a CDF, readouts), choices (options and their
probabilities), fields (a claim's kind fields and its resolution).
"""
