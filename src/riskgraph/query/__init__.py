"""Queries: canned .rq files and their front matter, parameters, safety, results, formats."""
