"""Demo data: a realistic service company's year of tickets, for trying Deskline out.

`catalog`, `names`, `texts`, `registry` and `lifecycle` are pure (values in, values out, no ORM);
`store` writes the reference data and the client registry, `writer` the tickets in bulk, and
`generate` ties them together behind `demo_generate`.
"""
