#include <libssh2.h>
#include <libssh2_sftp.h>
#include <poll.h>
#include <netdb.h>
#include <fcntl.h>
