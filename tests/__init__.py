# Before any test module or conftest imports config: the developer's environment is left out
from tests import isolation  # noqa: F401
