"""What leaves the program for a viewer: personal data masked."""
from analysis.sanitise.phones import mask_phone, mask_phones

__all__ = ["mask_phone", "mask_phones"]
