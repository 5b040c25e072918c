"""A member's home view: their profile and what Rekan will send them next."""
