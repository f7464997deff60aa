// Moved to common/pack.h (the format's transport; snap uses it too). Kept
// only until ptracer/snap_main.cc includes common/pack.h: delete it then.
#pragma once

#include "common/pack.h"
