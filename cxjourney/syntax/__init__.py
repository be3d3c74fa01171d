"""Text → syntax tree → model: the Lark grammar, syntax errors, and the tree builder."""
