/* report.h — a header next to app.c, found through #include "report.h"
 * from the generated file too. */
#ifndef REPORT_H
#define REPORT_H
#define REPORT_PREFIX "consumer: "
#endif
