"""One client per upstream contract. Each turns the wire format into domain objects and
transport trouble into the gateway's upstream errors; nothing above this layer sees XML."""
