"""Working days: statutory holidays and 调休 make-up workdays (`workdays`, from chinese-calendar), and
the admin-entered holiday table for years the library does not cover yet (`holidays`)."""
