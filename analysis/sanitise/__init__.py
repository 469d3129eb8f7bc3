"""What leaves the program for a viewer: phone numbers masked (in their column and in free text),
download cells a spreadsheet cannot take for formulas."""
from analysis.sanitise.cells import neutralise, safe_for_download
from analysis.sanitise.phones import mask_phone, mask_phone_text, mask_phones, mask_phones_in_text

__all__ = ["mask_phone", "mask_phone_text", "mask_phones", "mask_phones_in_text", "neutralise", "safe_for_download"]
