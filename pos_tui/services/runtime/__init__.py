"""The lane's running parts: the open database and its repositories, the one database thread, devices and store set-up."""
