"""Reading YAML files strictly, with problems that name the file, the line and the key."""
