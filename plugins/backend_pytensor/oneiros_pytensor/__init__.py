"""PyTensor backend for Oneiros: every op a PyTensor graph, evaluated at once or compiled."""
