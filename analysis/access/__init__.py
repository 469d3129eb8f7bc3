"""Who may do what on a shared server: users and their roles (:mod:`.users`, :mod:`.roles`) and the
append-only audit log of what they did (:mod:`.audit`)."""
