"""Live evaluation runs: bundled inspect tasks run against registered model endpoints.

No Django here. `catalog` is how the service tells this package which endpoints exist and
what the budgets are; `runner` runs one shard (all (model, condition) pairs over a sample
range) with inspect's own `eval_set`; `merge` joins shard logs; `identity` collects what the
endpoint said about itself. The source kind that uses them is `resolvers.sources.inspect_run`.
"""
