"""etjanst-gateway: the JSON API in front of the region's e-service upstreams."""
