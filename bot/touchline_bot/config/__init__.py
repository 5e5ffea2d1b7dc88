"""Configuration: the seed's YAML validated once into frozen typed objects."""
