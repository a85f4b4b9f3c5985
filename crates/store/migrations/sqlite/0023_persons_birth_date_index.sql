-- Before a person is created, the persons the caller follows born the same day are compared with them (a possible
-- duplicate is shown instead of creating a second record): the birth date finds them without reading every person.
CREATE INDEX persons_birth_date ON persons (birth_date);
