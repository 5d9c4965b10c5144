"""Clients (the companies whose customers are called) and their contracts."""
