"""A trained model where it is used: the pyfunc model that reads raw inputs and names labels."""
