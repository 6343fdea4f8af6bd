"""Queries of supervision that pages, exports and the API share. Every queryset that reaches a user starts from
`visible_to(user)`."""
