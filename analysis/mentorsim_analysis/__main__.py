import sys

from .supervise import supervise

sys.exit(supervise())
