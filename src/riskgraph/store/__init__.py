"""Where queries run: the embedded pyoxigraph store, an on-disk store, a SPARQL server."""
