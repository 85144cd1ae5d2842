"""books: which book of the library each group reads."""
