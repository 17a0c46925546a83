"""The client portal: clients' staff submit and follow their tickets."""
