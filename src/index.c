/* placeholder until the index lands */
#include "internal.h"
