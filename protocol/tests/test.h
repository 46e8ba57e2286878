/*
 * test.h - the smallest test harness that does the job: CHECK counts, failures say where, and each test
 * program ends with test_summary(), which prints "N passed, N failed" and sets the exit status.
 */
#ifndef SMTP_TEST_H
#define SMTP_TEST_H

#include <stdio.h>

static int test_passed, test_failed;

#define CHECK_MSG(cond, what) \
	do { \
		if (cond) { \
			test_passed++; \
		} else { \
			test_failed++; \
			fprintf(stderr, "%s:%d: CHECK failed: %s [%s]\n", __FILE__, __LINE__, #cond, (what)); \
		} \
	} while (0)

#define CHECK(cond) CHECK_MSG(cond, "")

static int test_summary(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, test_passed, test_failed);
	return test_failed ? 1 : 0;
}

#endif
