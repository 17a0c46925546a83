"""The client registry: companies, contacts, sites, equipment and contracts."""
