"""The merging layers (Add, Concatenate, ...) and their functional forms (``layers.add(...)``)."""
