// One SUNDIALS context per process, as an application would hold it (both CVODE adapters use it).
#pragma once
#include <sundials/sundials_context.h>

namespace bench {
inline SUNContext sundials_context() {
  struct Context {
    SUNContext ctx = nullptr;
    Context() { SUNContext_Create(nullptr, &ctx); }
    ~Context() { SUNContext_Free(&ctx); }
  };
  static Context c;
  return c.ctx;
}
}  // namespace bench
