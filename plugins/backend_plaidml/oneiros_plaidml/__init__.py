"""Oneiros backend on PlaidML 0.7.0: ops written in Tile, compiled per step signature."""
